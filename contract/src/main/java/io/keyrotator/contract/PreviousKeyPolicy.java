package io.keyrotator.contract;

import java.util.Locale;

/** What finishSecret does with the key that was current until this rotation. */
public enum PreviousKeyPolicy {
  /** Leave it active so consumers that still hold it keep working; the hygiene job retires it. */
  KEEP,
  /** Deactivate it at once; consumers must re-read the secret before the rotation finishes. */
  DEACTIVATE,
  /** Delete it at once (only if keyrotator created it, or unproven keys may be deleted). */
  DELETE;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
