/** Mail merge through the outbox: {@code MailMerge}, {@code MergeTemplate} (Mustache), {@code MergeData} (CSV, JSON lines). */
module dev.herald.mail.merge {
  requires transitive dev.herald.mail.queue;
  requires com.github.mustachejava;
  requires org.apache.commons.csv;
  requires com.fasterxml.jackson.core;

  exports dev.herald.mail.merge;
}
