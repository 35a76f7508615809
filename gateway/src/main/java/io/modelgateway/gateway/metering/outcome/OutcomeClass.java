package io.modelgateway.gateway.metering.outcome;

import java.util.Locale;
import java.util.Optional;

/** How a request to an inference endpoint ended, as the Outcomes API groups it. */
public enum OutcomeClass {
    /** Answered (2xx), including answers a content rule did not stop. */
    OK,
    /** Refused with a 4xx (authentication, quota, credits, policy, content rules, invalid request). */
    CLIENT_ERROR,
    /** Failed with a 5xx (backend unavailable, timeout, internal error), or an answer the backend broke off. */
    SERVER_ERROR,
    /** The client went away before the answer ended (499). */
    CANCELLED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<OutcomeClass> parse(String value) {
        for (OutcomeClass c : values()) {
            if (c.value().equals(value)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The class of an HTTP status (499: the client went away). */
    public static OutcomeClass ofStatus(int status) {
        if (status == 499) {
            return CANCELLED;
        }
        return status >= 500 ? SERVER_ERROR : status >= 400 ? CLIENT_ERROR : OK;
    }
}
