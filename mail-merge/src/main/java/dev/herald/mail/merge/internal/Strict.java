package dev.herald.mail.merge.internal;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.reflect.Guard;
import com.github.mustachejava.reflect.MissingWrapper;
import com.github.mustachejava.reflect.ReflectionObjectHandler;
import com.github.mustachejava.util.GuardException;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * Mustache (mustache.java) made strict: a name that no scope has is an error ({@link MissingField}),
 * not the empty string the spec allows. Three ways to write a value: as is (headers, the text body),
 * HTML-escaped (the HTML part), and as a phrase of an address header (quoted when it holds a comma
 * or another special, unless it is itself an address).
 */
public final class Strict {
  /** How {@code {{name}}} writes its value ({@code {{{name}}}} always writes it as is). */
  public enum Escape { NONE, HTML, ADDRESS, FILE_NAME }

  /**
   * A value that {@link Escape#FILE_NAME} refuses: a row's field may fill in a file name, never a path
   * ({@code ../../etc/passwd} in the data would attach any file this user can read).
   */
  public static final class NotAFileName extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotAFileName(String value) {
      super("'" + value + "' from the data is not a plain file name (no '/', '\\', '..' or NUL): the data may not choose"
          + " a file outside the template's paths", null, false, false);
    }
  }

  /** A name the row does not have. */
  public static final class MissingField extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;

    MissingField(String field) {
      super("no field '" + field + "'", null, false, false);
      this.field = field;
    }

    public String field() { return field; }
  }

  private final DefaultMustacheFactory factory;

  public Strict(File root, Escape escape) {
    this.factory = new DefaultMustacheFactory(root) {
      @Override public void encode(String value, Writer writer) {
        try {
          switch (escape) {
            case HTML -> super.encode(value, writer);
            case ADDRESS -> writer.write(phrase(value));
            case FILE_NAME -> writer.write(fileName(value));
            default -> writer.write(value);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
    factory.setObjectHandler(new ReflectionObjectHandler() {
      @Override protected MissingWrapper createMissingWrapper(String name, List<Guard> guards) {
        return new MissingWrapper(name, guards.toArray(new Guard[0])) {
          @Override public Object call(List<Object> scopes) throws GuardException {
            guardCall(scopes); // a scope that now has the name makes mustache.java look it up again
            throw new MissingField(name);
          }
        };
      }
    });
  }

  /** Compiles a template; {@code name} is for messages (a file name and a header). */
  public Mustache compile(String text, String name) {
    return factory.compile(new StringReader(text), name);
  }

  /**
   * Renders {@code template} with {@code scope}.
   *
   * @throws MissingField when the template names a field the scope lacks
   */
  public static String render(Mustache template, Object scope) {
    StringWriter w = new StringWriter();
    try {
      template.execute(w, scope);
    } catch (MustacheException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof MissingField m) throw m;
        if (t instanceof NotAFileName n) throw n;
      }
      throw e;
    }
    return w.toString();
  }

  static String fileName(String value) {
    if (value.contains("/") || value.contains("\\") || value.contains("..") || value.indexOf('\0') >= 0) {
      throw new NotAFileName(value);
    }
    return value;
  }

  /** A value for an address header: as is when it is an address or plain words, else a quoted string. */
  static String phrase(String value) {
    boolean special = false;
    for (int i = 0; i < value.length() && !special; i++) special = ",;:<>()[]\"\\".indexOf(value.charAt(i)) >= 0;
    if (!special) return value;
    try {
      if (value.indexOf('@') > 0) {
        dev.herald.mail.Address.parse(value);
        return value; // "Jane Doe <jane@example.org>" in one field
      }
    } catch (RuntimeException notOne) {
      // a phrase after all
    }
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
