// The Avro Java reference implementation, driven from packages/serde's interop test so that our
// TypeScript single-object encoding, canonical forms and fingerprints are checked against the
// library most downstream reporting tools use. GenericData only: no generated classes, so any
// schema file in schemas/ works without a build step.
//
// Usage (classpath: what infra/avro-java/fetch.sh prints):
//   java -cp CP AvroInterop canonical SCHEMA.avsc...          one Parsing Canonical Form per line
//   java -cp CP AvroInterop fingerprint SCHEMA.avsc...        one CRC-64-AVRO per line, %016x
//   java -cp CP AvroInterop decode IN.bin READER.avsc [WRITER.avsc...]
//        single-object bytes -> the record as Avro JSON (resolved into READER) on stdout
//   java -cp CP AvroInterop encode IN.json OUT.bin SCHEMA.avsc
//        a record as Avro JSON -> single-object bytes written with SCHEMA
// Exit codes: 0 done, 1 bad data or schema (message on stderr), 2 wrong arguments.

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
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
        case "decode" -> {
          if (args.length < 3) usage();
          decode(args[1], args[2], Arrays.copyOfRange(args, 3, args.length));
        }
        case "encode" -> {
          if (args.length != 4) usage();
          encode(args[1], args[2], args[3]);
        }
        default -> usage();
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("AvroInterop " + args[0] + ": " + e);
      System.exit(1);
    }
  }

  private static void usage() {
    System.err.println("usage: AvroInterop canonical|fingerprint SCHEMA.avsc... | decode IN.bin READER.avsc [WRITER.avsc...]"
        + " | encode IN.json OUT.bin SCHEMA.avsc");
    System.exit(2);
  }

  // A fresh parser per file: two versions of one schema define the same names.
  private static Schema parse(String file) throws IOException {
    return new Schema.Parser().parse(new File(file));
  }

  private static void decode(String in, String readerFile, String[] writerFiles) throws IOException {
    Schema reader = parse(readerFile);
    BinaryMessageDecoder<GenericRecord> decoder = new BinaryMessageDecoder<>(GenericData.get(), reader);
    for (String writerFile : writerFiles) {
      decoder.addSchema(parse(writerFile));
    }
    GenericRecord record = decoder.decode(Files.readAllBytes(Path.of(in)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonEncoder json = EncoderFactory.get().jsonEncoder(reader, out);
    new GenericDatumWriter<GenericRecord>(reader).write(record, json);
    json.flush();
    System.out.println(out.toString(StandardCharsets.UTF_8));
  }

  private static void encode(String in, String out, String schemaFile) throws IOException {
    Schema schema = parse(schemaFile);
    String text = Files.readString(Path.of(in), StandardCharsets.UTF_8);
    GenericRecord record = new GenericDatumReader<GenericRecord>(schema)
        .read(null, DecoderFactory.get().jsonDecoder(schema, text));
    BinaryMessageEncoder<GenericRecord> encoder = new BinaryMessageEncoder<>(GenericData.get(), schema);
    Files.write(Path.of(out), encoder.encode(record).array());
  }
}
