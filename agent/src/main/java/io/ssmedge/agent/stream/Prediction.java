package io.ssmedge.agent.stream;

import io.ssmedge.agent.deploy.ModelVersion;

/**
 * One window's result, handed from a worker to the publisher.
 *
 * @param stream          stream id
 * @param tsMillis        ts of the window's last sample (epoch ms)
 * @param tsFromSensor    true when that ts came from the sensor (else it is the arrival time)
 * @param classIndex      predicted class (argmax of logp)
 * @param logp            (classes) log-probabilities (a copy owned by this prediction)
 * @param queueMicros     time the message waited in the worker queue
 * @param inferenceMicros time to read the message and step the model up to this prediction
 * @param model           the model version that made it
 */
public record Prediction(String stream, double tsMillis, boolean tsFromSensor, int classIndex, float[] logp,
                         long queueMicros, long inferenceMicros, ModelVersion model) {
}
