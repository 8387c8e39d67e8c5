package io.ssmedge.agent.simulator;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The pump faults the simulator can inject, as seen on the SKAB test bed. */
public enum FaultKind {
    /** A valve closing at the pump's inlet or outlet (SKAB valve1/valve2): less flow, more pressure. */
    VALVE_CLOSING,
    /** Vapour bubbles collapsing in the pump: vibration up with spikes, flow and pressure down and unsteady. */
    CAVITATION,
    /** An unbalanced rotor (SKAB other/5–7, 9): both vibration RMS channels up 2–3×, current slightly up. */
    ROTOR_IMBALANCE,
    /** A leak after the pump: flow and pressure fall slowly, the fluid cools a little. */
    LEAK;

    /** The name used on the command line and in messages: valve-closing, cavitation, rotor-imbalance, leak. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a {@link #key()} (case-insensitive); null when the text is no fault name. */
    public static FaultKind parse(String text) {
        for (FaultKind k : values()) {
            if (k.key().equalsIgnoreCase(text) || k.name().equalsIgnoreCase(text)) {
                return k;
            }
        }
        return null;
    }

    public static String names() {
        return Arrays.stream(values()).map(FaultKind::key).collect(Collectors.joining(", "));
    }
}
