package io.keyrotator.contract;

/** The Lambda handlers of the function jar, as the CDK app configures them. */
public final class FunctionHandlers {
  private FunctionHandlers() {}

  /** The Secrets Manager rotation function, invoked once per rotation step. */
  public static final String ROTATION = "io.keyrotator.lambda.RotationHandler::handleRequest";

  /** The scheduled hygiene job (previous-key retirement, inspection, audit). */
  public static final String HYGIENE = "io.keyrotator.lambda.HygieneHandler::handleRequest";
}
