package io.modelgateway.gateway.pipeline;

/**
 * The order of the {@link CallStage}s, declared here and nowhere else (each stage's {@code @Order} names its
 * constant). {@link CallStage#admit} runs in ascending order, {@link CallStage#complete} in descending order.
 * Stages that must hear of every call (also those a later stage refused) come first; a stage that reserves
 * something comes after the stages that may refuse for free, so a refused call reserves nothing.
 */
public final class StageOrder {

    /** The access log: hears every call's ending. */
    public static final int ACCESS_LOG = 0;
    /** Request counters and GenAI metrics: hears every call's ending, refusals included. */
    public static final int METRICS = 10;
    /** Call outcome counts (the Outcomes API): hears every call's ending, refusals included. */
    public static final int OUTCOMES = 20;
    /** The usage record: reserves room in the writer's queue; hears of prompts a content rule blocked. */
    public static final int USAGE = 50;
    /** The deployment's lifecycle: 410 for a retired model, deprecation headers. Reserves nothing. */
    public static final int LIFECYCLE = 90;
    /** The compliance policy: access, limits, allowed parameters, token cap, content rules. Reserves nothing. */
    public static final int COMPLIANCE = 100;
    /** Requests and tokens per minute. */
    public static final int QUOTA = 200;
    /** Credit holds: the last to admit, so a hold is taken only for a call every other stage let through. */
    public static final int CREDITS = 300;

    private StageOrder() {}
}
