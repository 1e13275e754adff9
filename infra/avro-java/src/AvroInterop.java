// The Avro Java reference implementation, driven from packages/serde's interop test so that our
// TypeScript single-object encoding, canonical forms and fingerprints are checked against the
// library most downstream reporting tools use. GenericData only: no generated classes, so any
// schema file in schemas/ works without a build step.
//
// Usage (classpath: what infra/avro-java/fetch.sh prints):
//   java -cp CP AvroInterop canonical SCHEMA.avsc...          one Parsing Canonical Form per line
//   java -cp CP AvroInterop fingerprint SCHEMA.avsc...        one CRC-64-AVRO per line, %016x
//   java -cp CP AvroInterop decode READER.avsc [WRITER.avsc | IN.bin]...
//        each single-object IN.bin -> its record as Avro JSON, resolved into READER, one per line;
//        the WRITER schemas (older versions) are those the messages may have been written with
//   java -cp CP AvroInterop encode SCHEMA.avsc [IN.json OUT.bin]...
//        each record given as Avro JSON -> single-object bytes written with SCHEMA
// Several files per run because a JVM start costs far more than the work.
// Exit codes: 0 done, 1 bad data or schema (message on stderr), 2 wrong arguments.

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

public final class AvroInterop {
  private AvroInterop() {}

  public static void main(String[] args) {
    if (args.length < 2) {
      usage();
    }
    try {
      switch (args[0]) {
        case "canonical" -> {
          for (String file : Arrays.copyOfRange(args, 1, args.length)) {
            System.out.println(SchemaNormalization.toParsingForm(parse(file)));
          }
        }
        case "fingerprint" -> {
          for (String file : Arrays.copyOfRange(args, 1, args.length)) {
            System.out.println(String.format("%016x", SchemaNormalization.parsingFingerprint64(parse(file))));
          }
        }
        case "decode" -> decode(args[1], Arrays.copyOfRange(args, 2, args.length));
        case "encode" -> {
          if (args.length % 2 != 0) usage();
          encode(args[1], Arrays.copyOfRange(args, 2, args.length));
        }
        default -> usage();
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("AvroInterop " + args[0] + ": " + e);
      System.exit(1);
    }
  }

  private static void usage() {
    System.err.println("usage: AvroInterop canonical|fingerprint SCHEMA.avsc... | decode READER.avsc [WRITER.avsc | IN.bin]..."
        + " | encode SCHEMA.avsc [IN.json OUT.bin]...");
    System.exit(2);
  }

  // A fresh parser per file: two versions of one schema define the same names.
  private static Schema parse(String file) throws IOException {
    return new Schema.Parser().parse(new File(file));
  }

  private static void decode(String readerFile, String[] rest) throws IOException {
    Schema reader = parse(readerFile);
    BinaryMessageDecoder<GenericRecord> decoder = new BinaryMessageDecoder<>(GenericData.get(), reader);
    for (String file : rest) {
      if (file.endsWith(".avsc")) decoder.addSchema(parse(file));
    }
    GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(reader);
    for (String file : rest) {
      if (file.endsWith(".avsc")) continue;
      GenericRecord record = decoder.decode(Files.readAllBytes(Path.of(file)));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      JsonEncoder json = EncoderFactory.get().jsonEncoder(reader, out);
      writer.write(record, json);
      json.flush();
      // JsonEncoder writes no newlines of its own, so one record per line is safe to split.
      System.out.println(out.toString(StandardCharsets.UTF_8));
    }
  }

  private static void encode(String schemaFile, String[] pairs) throws IOException {
    Schema schema = parse(schemaFile);
    GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema);
    BinaryMessageEncoder<GenericRecord> encoder = new BinaryMessageEncoder<>(GenericData.get(), schema);
    for (int i = 0; i < pairs.length; i += 2) {
      String text = Files.readString(Path.of(pairs[i]), StandardCharsets.UTF_8);
      GenericRecord record = reader.read(null, DecoderFactory.get().jsonDecoder(schema, text));
      // encode(datum) returns a ByteBuffer whose backing array may be longer than the message.
      try (OutputStream out = Files.newOutputStream(Path.of(pairs[i + 1]))) {
        encoder.encode(record, out);
      }
    }
  }
}
