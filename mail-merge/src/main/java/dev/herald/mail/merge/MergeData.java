package dev.herald.mail.merge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.herald.mail.InputNotFoundException;
import dev.herald.mail.InvalidMessageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the rows of a merge: CSV (RFC 4180, the first record names the columns) for {@code .csv}, JSON
 * lines (one object per line) for {@code .jsonl}, {@code .ndjson} or {@code .json}. UTF-8, with or
 * without a byte order mark; anything else is an error, not a guess.
 */
public final class MergeData {
  private static final JsonFactory JSON = new JsonFactory();

  private MergeData() {}

  /**
   * Every row of {@code file}. A record that cannot be used (wrong number of fields) is returned with
   * its {@link Row#defect()}, so that one bad row does not hide the others.
   *
   * @throws InputNotFoundException when the file does not exist or cannot be read
   * @throws InvalidMessageException when it is not UTF-8, its header is unusable, or it cannot be parsed
   */
  public static List<Row> read(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean csv = name.endsWith(".csv");
    if (!csv && !name.endsWith(".jsonl") && !name.endsWith(".ndjson") && !name.endsWith(".json")) {
      throw new InvalidMessageException("cannot tell the format of " + file + ": name it .csv (with a header row) or .jsonl"
          + " (one JSON object per line)");
    }
    try (Reader in = open(file)) {
      return csv ? csv(file, in) : jsonLines(file, in);
    } catch (NoSuchFileException e) {
      throw new InputNotFoundException("cannot read data file " + file + ": no such file");
    } catch (CharacterCodingException e) {
      throw new InvalidMessageException(file + " is not UTF-8 text: save it as UTF-8 (with or without BOM)");
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof CharacterCodingException) {
        throw new InvalidMessageException(file + " is not UTF-8 text: save it as UTF-8 (with or without BOM)");
      }
      throw new InvalidMessageException("cannot parse " + file + ": " + e.getCause().getMessage(), e);
    } catch (IOException e) {
      if (e instanceof java.nio.file.AccessDeniedException) throw new InputNotFoundException("cannot read data file " + file + ": permission denied");
      throw new InvalidMessageException("cannot parse " + file + ": " + e.getMessage(), e);
    }
  }

  /** Strict UTF-8 (a malformed byte is an error), the BOM skipped. */
  private static Reader open(Path file) throws IOException {
    Reader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
    r.mark(1);
    if (r.read() != '\uFEFF') r.reset();
    return r;
  }

  private static List<Row> csv(Path file, Reader in) throws IOException {
    CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).get();
    List<Row> rows = new ArrayList<>();
    try (CSVParser parser = CSVParser.builder().setReader(in).setFormat(format).get()) {
      List<String> header = parser.getHeaderNames();
      if (header.isEmpty()) throw new InvalidMessageException(file + " has no header row: its first line must name the columns");
      Set<String> seen = new HashSet<>();
      for (String h : header) {
        if (h.isBlank()) throw new InvalidMessageException(file + ": a column of the header row has no name");
        if (!seen.add(h)) throw new InvalidMessageException(file + ": the header row names column '" + h + "' twice");
      }
      int n = 0;
      for (CSVRecord r : parser) {
        n++;
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(header.size(), r.size()); i++) fields.put(header.get(i), r.get(i));
        String defect = r.size() == header.size() ? null
            : "it has " + r.size() + " field(s), the header has " + header.size() + " (a comma in a value needs double quotes)";
        rows.add(new Row(n, fields, defect));
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidMessageException("cannot read the header row of " + file + ": " + e.getMessage(), e);
    } catch (IllegalStateException | UncheckedIOException e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      if (c instanceof CharacterCodingException cce) throw cce;
      throw new InvalidMessageException("cannot parse " + file + " after row " + rows.size() + ": " + c.getMessage(), e);
    }
    return rows;
  }

  private static List<Row> jsonLines(Path file, Reader in) throws IOException {
    List<Row> rows = new ArrayList<>();
    BufferedReader lines = new BufferedReader(in);
    String line;
    int lineNo = 0;
    while ((line = lines.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) continue;
      int number = rows.size() + 1;
      try (JsonParser p = JSON.createParser(line)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          rows.add(new Row(number, Map.of(), "line " + lineNo + " is not a JSON object"));
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) value(p);
        if (p.nextToken() != null) {
          rows.add(new Row(number, Map.of(), "line " + lineNo + " has more than one JSON value"));
          continue;
        }
        rows.add(Row.of(number, fields));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        rows.add(new Row(number, Map.of(), "line " + lineNo + " is not valid JSON: " + e.getOriginalMessage()));
      }
    }
    return rows;
  }

  /** The value at the current token: objects as maps (nulls left out), arrays as lists, numbers as written. */
  private static Object value(JsonParser p) throws IOException {
    switch (p.currentToken()) {
      case START_OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String k = p.currentName();
          p.nextToken();
          Object v = value(p);
          if (v != null) m.put(k, v);
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) l.add(value(p));
        return l;
      }
      case VALUE_STRING:
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return p.getText();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      default:
        return null;
    }
  }
}
