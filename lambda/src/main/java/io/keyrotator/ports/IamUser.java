package io.keyrotator.ports;

import java.util.Map;

/**
 * An IAM user with what the scope and binding checks need.
 *
 * @param name the user name (unique in the account regardless of case)
 * @param id IAM's unique id of the user ({@code UserId}, e.g. {@code AIDA...}): a user deleted and
 *     created again under the same name gets a new one
 * @param path the IAM path, e.g. {@code /keyrotator/}
 * @param arn the user's ARN, which STS returns for a key of this user
 * @param tags the user's tags; anyone with {@code iam:TagUser} can write them, so keyrotator only
 *     ever refuses on what they say, never acts on it
 */
public record IamUser(String name, String id, String path, String arn, Map<String, String> tags) {}
