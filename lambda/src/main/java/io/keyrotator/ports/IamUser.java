package io.keyrotator.ports;

import java.util.Map;

/**
 * An IAM user with what the scope check needs.
 *
 * @param name the user name
 * @param path the IAM path, e.g. {@code /keyrotator/}
 * @param arn the user's ARN, which STS returns for a key of this user
 * @param tags the user's tags
 */
public record IamUser(String name, String path, String arn, Map<String, String> tags) {}
