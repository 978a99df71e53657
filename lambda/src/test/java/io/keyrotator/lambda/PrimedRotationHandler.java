package io.keyrotator.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.keyrotator.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * For the cold-start benchmark only: the rotation function as it is after a restore from a primed
 * SnapStart snapshot. A plain JVM cannot take a snapshot, so this handler runs the same priming
 * during its init instead; the benchmark then times the first invocation, which is what priming is
 * meant to shorten.
 */
public final class PrimedRotationHandler implements RequestStreamHandler {
  private final RotationHandler handler = new RotationHandler();

  public PrimedRotationHandler() {
    SnapStartPriming.prime(Settings.from(System.getenv()));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    handler.handleRequest(input, output, context);
  }
}
