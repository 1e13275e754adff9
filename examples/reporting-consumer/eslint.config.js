// The repository's lint rules, except that this package talks to kafkajs directly (it is the
// example for reporting teams, who bring their own Kafka client, not @ipasn/kafka) and, being a
// small program, writes its progress to the console.
import root from '../../eslint.config.js';

export default [...root, { files: ['**/*.ts'], rules: { 'no-restricted-imports': 'off', 'no-console': 'off' } }];
