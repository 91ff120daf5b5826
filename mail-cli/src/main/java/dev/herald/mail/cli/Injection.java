package dev.herald.mail.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.herald.mail.HeraldConfig;
import dev.herald.mail.MailModule;
import dev.herald.mail.MailerFactory;
import dev.herald.mail.Providers;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * The run's one injector. It depends only on the providers found on the class path: the config is
 * bound through a provider that is read when the {@link MailerFactory} is first asked for. So a
 * command that will need it can have it built on a second thread ({@link #startInBackground})
 * while the main thread parses the command line and reads the config file; otherwise, or if that
 * thread has not started on it yet, the first {@link #factory} call builds it on the caller's thread.
 */
final class Injection {
  private final CompletableFuture<HeraldConfig> config = new CompletableFuture<>();
  private final FutureTask<Injector> injector;

  Injection(Supplier<Providers> providers) {
    // Classes, not lambdas, on the main thread's path (see Main.main).
    this.injector = new FutureTask<>(new Callable<Injector>() {
      @Override public Injector call() {
        return Guice.createInjector(new MailModule(providers.get(), config::join));
      }
    });
  }

  /** Builds the injector on a daemon thread, then runs {@code after} there (more warm-up). */
  void startInBackground(Runnable after) {
    Thread t = new Thread("herald-injector") {
      @Override public void run() {
        injector.run(); // a failure is kept in the task and thrown to the main thread by factory()
        try {
          after.run();
        } catch (RuntimeException | Error ignored) {
          // Only a warm-up: the main thread does it again where needed, and reports what fails.
        }
      }
    };
    t.setDaemon(true);
    t.start();
  }

  /** The factory, with {@code runConfig} as the configuration bound in the injector. */
  MailerFactory factory(HeraldConfig runConfig) {
    config.complete(runConfig);
    injector.run(); // builds it here unless it is built, or being built, already
    try {
      return injector.get().getInstance(MailerFactory.class);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) throw r;
      if (cause instanceof Error err) throw err;
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the injector was built", e);
    }
  }
}
