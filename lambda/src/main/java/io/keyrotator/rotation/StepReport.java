package io.keyrotator.rotation;

import io.keyrotator.ports.KeyIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one step did, filled in as it goes so that a failing step still reports what it changed
 * before it failed. The handler turns it into the step's log line and metrics.
 */
public final class StepReport {
  private String userName;
  private String currentKeyId;
  private String pendingKeyId;
  private int keysCreated;
  private int keysDeactivated;
  private int keysDeleted;
  private Duration propagationWait;
  private final List<String> actions = new ArrayList<>();

  void user(String name) {
    userName = name;
  }

  void currentKey(String id) {
    currentKeyId = id;
  }

  void pendingKey(String id) {
    pendingKeyId = id;
  }

  void created(String id) {
    keysCreated++;
    pendingKeyId = id;
    actions.add("created " + KeyIds.shorten(id));
  }

  void deactivated(String id, String why) {
    keysDeactivated++;
    actions.add("deactivated " + KeyIds.shorten(id) + " (" + why + ")");
  }

  void deleted(String id, String why) {
    keysDeleted++;
    actions.add("deleted " + KeyIds.shorten(id) + " (" + why + ")");
  }

  void propagationWait(Duration wait) {
    propagationWait = wait;
  }

  void note(String what) {
    actions.add(what);
  }

  /**
   * What the step has changed so far, as one snapshot the metrics read.
   *
   * @param keysCreated access keys the step created
   * @param keysDeactivated access keys the step deactivated
   * @param keysDeleted access keys the step deleted
   * @param propagationWait how long testSecret waited for the new key to work, or null if it did
   *     not wait
   */
  public record Changes(
      int keysCreated, int keysDeactivated, int keysDeleted, Duration propagationWait) {}

  /** What the step has changed up to now (a copy: later changes do not show in it). */
  public Changes changes() {
    return new Changes(keysCreated, keysDeactivated, keysDeleted, propagationWait);
  }

  /** The step's facts for a log line; key ids shortened. */
  public Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (userName != null) {
      fields.put("user", userName);
    }
    if (currentKeyId != null) {
      fields.put("currentKey", KeyIds.shorten(currentKeyId));
    }
    if (pendingKeyId != null) {
      fields.put("pendingKey", KeyIds.shorten(pendingKeyId));
    }
    if (propagationWait != null) {
      fields.put("propagationWaitMs", propagationWait.toMillis());
    }
    fields.put("actions", List.copyOf(actions));
    return fields;
  }
}
