package io.keyrotator.ports;

import java.util.List;
import java.util.Optional;

/** The IAM operations rotation needs, on users and their access keys. */
public interface IamKeys {
  /** The user, or empty when IAM has no user of that name. */
  Optional<IamUser> findUser(String userName);

  /** All of the user's access keys (following every page). */
  List<AccessKey> listKeys(String userName);

  /** Creates a new active key; fails when the user already has two. */
  NewAccessKey createKey(String userName);

  /** Sets the key's status to Inactive. */
  void deactivateKey(String userName, String accessKeyId);

  /** Deletes the key; a key that is already gone is not an error. */
  void deleteKey(String userName, String accessKeyId);

  /** When and where the key was last used. */
  KeyUsage lastUsed(String accessKeyId);

  /** Adds or replaces one tag on the user. */
  void tagUser(String userName, String key, String value);

  /** Removes one tag from the user; a missing tag is not an error. */
  void untagUser(String userName, String key);
}
