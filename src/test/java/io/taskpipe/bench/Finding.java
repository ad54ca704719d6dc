package io.taskpipe.bench;

/**
 * One line of the suite's verdict: a goal, what was measured against what baseline of the same run,
 * the ratio, the target, and PASS/FAIL ({@code pass} null for figures that are reported, not judged).
 */
record Finding(String goal, String claim, String measured, double ratio, String target, Boolean pass) {

    static Finding atLeast(String goal, String claim, String measured, double ratio, double target) {
        return new Finding(goal, claim, measured, ratio, "≥ " + trim(target), ratio >= target);
    }

    static Finding atMost(String goal, String claim, String measured, double ratio, double target) {
        return new Finding(goal, claim, measured, ratio, "≤ " + trim(target), ratio <= target);
    }

    static Finding reported(String goal, String claim, String measured, double ratio) {
        return new Finding(goal, claim, measured, ratio, "reported", null);
    }

    String verdict() {
        return pass == null ? "-" : pass ? "PASS" : "FAIL";
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.format("%.0f", value) : String.format("%.3g", value);
    }
}
