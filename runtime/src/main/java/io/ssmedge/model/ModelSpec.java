package io.ssmedge.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * What every architecture's config says about the model's interface to the outside: sizes, head,
 * input normalization, names, and the windows it was trained and tested on.
 *
 * @param inputSize        d_input
 * @param width            H
 * @param outputSize       d_output
 * @param mode             pool or last
 * @param normalization    raw sensor values → model input
 * @param channels         input names
 * @param classes          output names
 * @param trainingWindow   seq_len or windowing.length, 0 when unknown
 * @param evaluationStride windowing.test_stride, 0 when unknown
 */
public record ModelSpec(int inputSize, int width, int outputSize, HeadMode mode, InputNormalization normalization,
                        List<String> channels, List<String> classes, int trainingWindow, int evaluationStride) {

    /** From a config document with the usual optional windowing keys. */
    public static ModelSpec of(int inputSize, int width, int outputSize, HeadMode mode, InputNormalization normalization,
                               List<String> channels, List<String> classes, int seqLen, ObjectNode document) {
        return new ModelSpec(inputSize, width, outputSize, mode, normalization, channels, classes,
                ConfigReader.windowLength(document, seqLen), ConfigReader.testStride(document));
    }
}
