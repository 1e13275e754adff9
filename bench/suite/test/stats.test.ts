import { describe, expect, it } from 'vitest';
import { bucketDelta, cpuSecondsOfStat, histogramBuckets, markdownTable, quantile, replaceSection, statusBytes } from '../src/stats.js';

const metrics = `# HELP ipasn_projector_end_to_end_seconds x
# TYPE ipasn_projector_end_to_end_seconds histogram
ipasn_projector_end_to_end_seconds_bucket{le="0.1"} 10
ipasn_projector_end_to_end_seconds_bucket{le="0.5"} 60
ipasn_projector_end_to_end_seconds_bucket{le="1"} 90
ipasn_projector_end_to_end_seconds_bucket{le="+Inf"} 100
ipasn_projector_end_to_end_seconds_sum 50
ipasn_projector_end_to_end_seconds_count 100
ipasn_projector_chunk_seconds_bucket{le="0.1"} 7
`;

describe('histogram quantiles', () => {
  it('reads cumulative buckets of one histogram, summing label sets', () => {
    const b = histogramBuckets(`${metrics}ipasn_projector_end_to_end_seconds_bucket{agency="x",le="0.1"} 5\n`, 'ipasn_projector_end_to_end_seconds');
    expect(b).toEqual([
      { le: 0.1, count: 15 },
      { le: 0.5, count: 60 },
      { le: 1, count: 90 },
      { le: Infinity, count: 100 },
    ]);
  });

  it('interpolates inside the bucket as histogram_quantile does', () => {
    const b = histogramBuckets(metrics, 'ipasn_projector_end_to_end_seconds');
    expect(quantile(b, 0.05)).toBeCloseTo(0.05);
    expect(quantile(b, 0.5)).toBeCloseTo(0.1 + 0.4 * (40 / 50));
    expect(quantile(b, 0.9)).toBeCloseTo(1);
    expect(quantile(b, 0.99)).toBe(1); // in +Inf: the largest finite bound
    expect(quantile([], 0.5)).toBeUndefined();
    expect(() => quantile(b, 0)).toThrow(RangeError);
  });

  it('subtracts an earlier scrape', () => {
    const after = histogramBuckets(metrics, 'ipasn_projector_end_to_end_seconds');
    const before = after.map((x) => ({ le: x.le, count: Math.floor(x.count / 2) }));
    expect(bucketDelta(after, before).map((x) => x.count)).toEqual([5, 30, 45, 50]);
  });
});

describe('/proc figures', () => {
  it('CPU seconds from utime + stime, with a command name holding spaces and parentheses', () => {
    const stat = '1234 (node (x) y) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 12 0 100 0 0';
    expect(cpuSecondsOfStat(stat, 100)).toBe(3);
  });
  it('peak and current RSS from status', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
    expect(statusBytes(status, 'VmHWM')).toBe(200 * 1024 * 1024);
    expect(statusBytes(status, 'VmRSS')).toBe(100 * 1024 * 1024);
    expect(statusBytes('', 'VmRSS')).toBeUndefined();
  });
});

describe('Markdown', () => {
  it('a table with numeric columns right-aligned', () => {
    expect(markdownTable(['item', 'ev/s'], [['a', 1234], ['b', undefined]])).toBe('| item | ev/s |\n|---|---:|\n| a | 1,234 |\n| b | — |');
  });
  it('replaces a marked section, or appends it', () => {
    expect(replaceSection('x\n<!-- b -->\nold\n<!-- e -->\ny', '<!-- b -->', '<!-- e -->', 'new')).toBe('x\n<!-- b -->\nnew\n<!-- e -->\ny');
    expect(replaceSection('x\n', '<!-- b -->', '<!-- e -->', 'new')).toBe('x\n\n<!-- b -->\nnew\n<!-- e -->\n');
  });
});
