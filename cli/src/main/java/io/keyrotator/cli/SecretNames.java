package io.keyrotator.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code --secret-id}: a secret name or ARN, surrounding blanks dropped; an empty value (a
 * shell variable that was not set, say) is refused as a usage error rather than looked up.
 */
final class SecretNames implements ITypeConverter<String> {
  @Override
  public String convert(String value) {
    String name = value.strip();
    if (name.isEmpty()) {
      throw new TypeConversionException("'" + value + "' is empty: give a secret name or ARN");
    }
    return name;
  }
}
