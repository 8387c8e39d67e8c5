package io.ssmedge.agent.rollout;

/** What the evidence of a gate says now. */
public record Verdict(Outcome outcome, String reason) {
    public enum Outcome {
        /** every limit is shown to hold */
        PASS,
        /** a limit is shown to be broken */
        FAIL,
        /** not yet shown either way */
        CONTINUE
    }

    public static Verdict keepGoing(String reason) {
        return new Verdict(Outcome.CONTINUE, reason);
    }
}
