package io.ssmedge.agent.stream;

import java.util.Locale;

/** Why a message was not used; the lower-case name is the {@code reason} label in /metrics and the error topic. */
public enum RejectReason {
    /** Larger than payload.max_bytes. */
    TOO_LARGE,
    /** No content. */
    EMPTY,
    /** Not valid JSON, or JSON of the wrong shape. */
    BAD_JSON,
    /** A CSV line that cannot be read. */
    BAD_CSV,
    /** The number of values differs from the model's channels. */
    WRONG_CHANNEL_COUNT,
    /** A named-channel sample lacks one of the model's channels. */
    MISSING_CHANNEL,
    /** A value is not a number, or NaN / infinite. */
    NOT_A_NUMBER,
    /** The ts field cannot be read, or lies before 2000 or too far ahead of this machine's clock. */
    BAD_TIMESTAMP,
    /** The stream id (the topic's '+' level) is longer than input.max_stream_id_length or holds other characters. */
    BAD_STREAM_ID,
    /** The sample's ts is not later than the stream's previous sample (e.g. redelivered after a reconnect). */
    OUT_OF_ORDER,
    /** A label names a class the model does not have. */
    UNKNOWN_CLASS,
    /** workers.max_streams streams exist already. */
    TOO_MANY_STREAMS,
    /** The heap holds no more streams of the current model(s) ({@link StreamMemory}); raise -Xmx. */
    NO_MEMORY;

    /** The name used in metrics and reports, e.g. wrong_channel_count. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
