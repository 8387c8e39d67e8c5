package io.ssmedge.agent.deploy;

/**
 * One window that both the serving and the shadow model completed on the same samples (each from the window's
 * first sample), with the label when one was joined.
 *
 * @param stream       stream id
 * @param endTs        ts of the window's last sample (epoch ms; arrival time when the sample had none)
 * @param servingClass class the serving model predicted (the one published)
 * @param shadowClass  class the shadow model predicted (not published)
 * @param label        the joined label, -1 when labels are not configured or the join gave up on this window
 */
public record PairedWindow(String stream, long endTs, ModelVersion serving, int servingClass, ModelVersion shadow,
                           int shadowClass, int label) {
}
