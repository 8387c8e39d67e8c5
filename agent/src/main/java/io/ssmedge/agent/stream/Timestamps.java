package io.ssmedge.agent.stream;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Sample times as milliseconds since 1970-01-01 UTC (a double: sub-millisecond decimals are kept, which the
 * end-to-end latency needs). Text is read as a number of milliseconds, or as an ISO date-time
 * ({@code 2020-03-09T10:14:33Z}, {@code 2020-03-09T10:14:33+01:00}); a date-time without zone, such as SKAB's
 * {@code 2020-03-09 10:14:33}, is taken as UTC.
 */
public final class Timestamps {
    private Timestamps() {
    }

    /** The current time in epoch milliseconds with microsecond resolution. */
    public static double nowMillis() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1000.0 + now.getNano() / 1_000_000.0;
    }

    /** Parses a ts given as text. */
    public static double parse(String text) throws PayloadException {
        return parse(text, 0, text.length());
    }

    /**
     * Parses the ts {@code text[from, to)} (a CSV field); a number makes no string (the sensor path, issue #12).
     */
    public static double parse(String text, int from, int to) throws PayloadException {
        int a = from; // as String.trim: blanks and control characters around the ts do not count
        int b = to;
        while (a < b && text.charAt(a) <= ' ') {
            a++;
        }
        while (b > a && text.charAt(b - 1) <= ' ') {
            b--;
        }
        if (a == b) {
            throw new PayloadException(RejectReason.BAD_TIMESTAMP, "ts is empty");
        }
        if (CsvLines.find(text, ':', a, b) == b) { // a date-time always has a ':'; anything else must be a number
            double ms;
            try {
                ms = FastDecimal.parseDouble(text, a, b);
            } catch (NumberFormatException e) {
                throw bad(text.substring(from, to));
            }
            return Double.isFinite(ms) ? ms : finite(ms, text.substring(from, to));
        }
        String t = text.substring(a, b);
        String iso = t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + 'T' + t.substring(11) : t;
        try {
            return millis(OffsetDateTime.parse(iso).toInstant());
        } catch (DateTimeParseException withoutZone) {
            try {
                return millis(LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e) {
                throw bad(text.substring(from, to));
            }
        }
    }

    /** A ts for messages: ISO date-time (UTC) with the milliseconds as given. */
    public static String format(double ms) {
        if (!Double.isFinite(ms) || Math.abs(ms) > 1e15) {
            return String.valueOf(ms);
        }
        long whole = (long) Math.floor(ms);
        return Instant.ofEpochMilli(whole) + " (" + (ms == whole ? String.valueOf(whole) : String.valueOf(ms)) + ")";
    }

    /** 2000-01-01T00:00:00Z: no sensor of a running plant sends older samples. */
    public static final double EARLIEST = 946_684_800_000.0;

    /**
     * Rejects a ts before 2000 or more than {@code maxFutureMillis} ahead of {@code now}: one such sample would
     * otherwise make every later sample of its stream look out of order.
     */
    public static void plausible(double ms, double now, double maxFutureMillis) throws PayloadException {
        if (ms < EARLIEST) {
            throw new PayloadException(RejectReason.BAD_TIMESTAMP, "ts " + format(ms) + " is before 2000-01-01 "
                    + "(expected milliseconds since 1970: is it in seconds, or is the sensor's clock unset?)");
        }
        if (ms > now + maxFutureMillis) {
            throw new PayloadException(RejectReason.BAD_TIMESTAMP, "ts " + format(ms) + " is more than "
                    + Math.round(maxFutureMillis / 1000) + " s ahead of this machine's clock " + format(now)
                    + " (input.max_future_seconds); check the sensor's clock");
        }
    }

    /** Checks a numeric ts. */
    public static double finite(double ms, Object original) throws PayloadException {
        if (!Double.isFinite(ms)) {
            throw new PayloadException(RejectReason.BAD_TIMESTAMP, "ts must be a finite number of milliseconds, got "
                    + original);
        }
        return ms;
    }

    private static double millis(Instant i) {
        return i.getEpochSecond() * 1000.0 + i.getNano() / 1_000_000.0;
    }

    private static PayloadException bad(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return new PayloadException(RejectReason.BAD_TIMESTAMP, "ts '" + shown
                + "' is neither milliseconds since 1970 nor a date-time like 2020-03-09T10:14:33Z");
    }
}
