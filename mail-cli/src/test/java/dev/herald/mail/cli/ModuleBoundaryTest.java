package dev.herald.mail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The library modules as a module-path user gets them: resolved from the built classes with
 * {@link ModuleFinder} (the tests themselves run on the class path), each exports exactly its API and
 * SPI packages, provides exactly what its {@code META-INF/services} files list, and works in a
 * {@link ModuleLayer} of its own (providers found, every preset's file read). The CLI stays on the class
 * path, where javac does not guard the boundary: a source scan does.
 */
class ModuleBoundaryTest {
  /** Each library module and the packages it exports: API and SPI, never an {@code internal} one. */
  private static final Map<String, Set<String>> EXPORTS = Map.of(
      "dev.herald.mail", Set.of("dev.herald.mail", "dev.herald.mail.spi", "dev.herald.mail.dkim"),
      "dev.herald.mail.smtp", Set.of("dev.herald.mail.smtp"),
      "dev.herald.mail.gmail", Set.of("dev.herald.mail.gmail"),
      "dev.herald.mail.oauth2", Set.of("dev.herald.mail.oauth2"),
      "dev.herald.mail.testkit", Set.of("dev.herald.mail.testkit", "dev.herald.mail.testkit.junit5"),
      "dev.herald.mail.queue", Set.of("dev.herald.mail.queue"),
      "dev.herald.mail.merge", Set.of("dev.herald.mail.merge"));

  private static ModuleFinder finder;
  private static Map<String, ModuleReference> herald;

  /** Every class-path entry that is a module (explicit or automatic) and resolves on its own terms. */
  @BeforeAll static void findModules() {
    List<Path> paths = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      boolean module = Files.isRegularFile(p) && p.toString().endsWith(".jar") || Files.isRegularFile(p.resolve("module-info.class"));
      if (!module) continue;
      try {
        if (!ModuleFinder.of(p).findAll().isEmpty()) paths.add(p);
      } catch (FindException e) {
        // a jar that is no valid automatic module (no herald module needs it)
      }
    }
    finder = ModuleFinder.of(paths.toArray(Path[]::new));
    herald = new TreeMap<>();
    for (ModuleReference m : finder.findAll()) {
      String name = m.descriptor().name();
      if (name.startsWith("dev.herald.") && !m.descriptor().isAutomatic()) herald.putIfAbsent(name, m);
    }
  }

  @Test void everyLibraryIsAModuleThatExportsOnlyItsApiAndSpi() {
    assertEquals(new TreeSet<>(EXPORTS.keySet()), herald.keySet(), "the library modules with a module-info");
    for (ModuleReference m : herald.values()) {
      ModuleDescriptor d = m.descriptor();
      Set<String> exported = new TreeSet<>();
      for (ModuleDescriptor.Exports e : d.exports()) {
        assertTrue(!e.isQualified(), d.name() + " exports " + e + " to named modules only: explain it or export it to all");
        exported.add(e.source());
      }
      assertEquals(new TreeSet<>(EXPORTS.get(d.name())), exported, d.name() + "'s exported packages");
      assertTrue(d.opens().isEmpty() && !d.isOpen(), d.name() + " opens packages: " + d.opens());
    }
  }

  @Test void providesMatchesTheServicesFilesThatClassPathUsersRead() throws IOException {
    for (ModuleReference m : herald.values()) {
      Map<String, List<String>> files = new TreeMap<>();
      try (ModuleReader r = m.open()) {
        List<String> names = r.list().filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/")).toList();
        for (String n : names) {
          try (InputStream in = r.open(n).orElseThrow()) {
            files.put(n.substring("META-INF/services/".length()), new String(in.readAllBytes(), StandardCharsets.UTF_8)
                .lines().map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty()).toList());
          }
        }
      }
      Map<String, List<String>> provides = new TreeMap<>();
      for (ModuleDescriptor.Provides p : m.descriptor().provides()) provides.put(p.service(), p.providers());
      assertEquals(files, provides, m.descriptor().name() + ": provides in module-info against META-INF/services");
    }
  }

  /**
   * Resolved and loaded in a layer of their own, as on a user's module path: the providers of every
   * module are found through the module system, and every module's presets are read (a resource in
   * a package of a named module would be encapsulated: {@code include classpath(…)} would find nothing).
   */
  @Test void theModulesResolveAndWorkOnTheModulePath() throws Exception {
    Configuration cf = ModuleLayer.boot().configuration().resolveAndBind(finder, ModuleFinder.of(), herald.keySet());
    ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    ClassLoader loader = layer.findLoader("dev.herald.mail");
    Class<?> factory = loader.loadClass("dev.herald.mail.spi.TransportFactory");
    Set<String> transports = new TreeSet<>();
    for (Object f : ServiceLoader.load(layer, factory)) transports.add((String) factory.getMethod("name").invoke(f));
    assertEquals(Set.of("file", "memory", "smtp"), transports);
    Set<String> advisors = ServiceLoader.load(layer, loader.loadClass("dev.herald.mail.spi.ProfileAdvisor")).stream()
        .map(p -> p.type().getName()).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of("dev.herald.mail.gmail.GmailAdvisor", "dev.herald.mail.smtp.Microsoft365Advisor"), advisors);

    Set<String> classPathPresets = HeraldConfigPresets.names();
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(loader); // Typesafe Config reads every reference.conf through it
    try {
      Object config = loader.loadClass("dev.herald.mail.HeraldConfig").getMethod("defaults").invoke(null);
      Object presets = config.getClass().getMethod("presetNames").invoke(config);
      assertEquals(classPathPresets, presets, "every preset, read inside the layer");
    } finally {
      t.setContextClassLoader(before);
    }
  }

  /** The presets the class path sees (the CLI's own view), to compare the layer's with. */
  private static final class HeraldConfigPresets {
    static Set<String> names() {
      Set<String> names = dev.herald.mail.HeraldConfig.defaults().presetNames();
      assertTrue(names.containsAll(Set.of("gmail", "outlook", "mailpit")), names.toString());
      return names;
    }
  }

  private static final Pattern INTERNAL = Pattern.compile("\\bdev\\.herald\\.mail(?:\\.\\w+)*\\.internal\\b");

  /** javac keeps the libraries from each other's internals; the CLI is on the class path, so this does. */
  @Test void theCliUsesNoLibrarysInternalPackage() throws IOException {
    Path sources = Path.of("src/main/java");
    assertTrue(Files.isDirectory(sources), "run from mail-cli: " + sources.toAbsolutePath());
    Map<String, List<String>> found = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String text = Files.readString(f);
        Matcher m = INTERNAL.matcher(text);
        while (m.find()) found.computeIfAbsent(sources.relativize(f).toString(), k -> new ArrayList<>()).add(m.group());
      }
    }
    assertEquals(Map.of(), found, "mail-cli reaches into internal packages; make what it needs public API or move it");
  }
}
