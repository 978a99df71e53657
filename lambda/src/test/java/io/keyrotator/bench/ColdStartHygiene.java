package io.keyrotator.bench;

import io.keyrotator.lambda.HygieneHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Runs one hygiene pass (previous-key retirement, stuck-rotation and orphan checks, the account
 * audit) in a new JVM on the shaded jar, as its scheduled invocation would: the handler is built by
 * its production constructor from environment variables alone, and the report it returns to Lambda
 * is printed on standard output. No arguments.
 */
public final class ColdStartHygiene {
  private ColdStartHygiene() {}

  public static void main(String[] args) throws IOException {
    new HygieneHandler()
        .handleRequest(
            new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), System.out, null);
    System.out.println();
  }
}
