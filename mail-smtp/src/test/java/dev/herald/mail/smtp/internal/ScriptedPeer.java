package dev.herald.mail.smtp.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A one-connection SMTP peer on loopback that answers from a script: the greeting, then one scripted
 * reply per command in the order the commands arrive (pipelined or not), message content after a
 * 354 read up to its "." line, which takes the next reply. A reply of {@link #CLOSE} closes the
 * connection instead of answering. Records the command lines it received.
 */
final class ScriptedPeer implements AutoCloseable {
  static final String CLOSE = "<close>";
  static final String EHLO_PIPELINING = "250-peer.test\r\n250-SIZE 1000000\r\n250 PIPELINING";
  static final String EHLO_LOCKSTEP = "250-peer.test\r\n250 SIZE 1000000";

  private final ServerSocket server;
  private final List<String> received = Collections.synchronizedList(new ArrayList<>());
  private final Thread thread;

  ScriptedPeer(String... script) throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    thread = new Thread(() -> serve(script), "scripted-peer");
    thread.setDaemon(true);
    thread.start();
  }

  int port() { return server.getLocalPort(); }

  /** The command lines received so far (message content not included). */
  List<String> commands() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  private void serve(String[] script) {
    try (Socket s = server.accept()) {
      s.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = s.getOutputStream();
      int i = 0;
      boolean content = false;
      while (i < script.length) {
        String reply = script[i++];
        if (i > 1) {
          String line = in.readLine();
          if (line == null) return;
          if (content) {
            while (!line.equals(".")) {
              line = in.readLine();
              if (line == null) return;
            }
          }
          received.add(line);
        }
        if (reply.equals(CLOSE)) return;
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        content = reply.startsWith("354");
      }
      // Script done: answer QUIT (or anything else) and wait for the client to close.
      String line;
      while ((line = in.readLine()) != null) {
        received.add(line);
        out.write("221 bye\r\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // the client closed first
    }
  }

  @Override public void close() throws IOException {
    server.close();
  }
}
