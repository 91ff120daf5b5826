/** Implementation details of the testkit; not an API. */
package dev.herald.mail.testkit.internal;
