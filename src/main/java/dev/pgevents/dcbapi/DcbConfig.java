package dev.pgevents.dcbapi;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The switches of the /dcb API, read from MicroProfile Config on every request (so any config
 * source, environment variables included, decides at run time):
 * <ul>
 *   <li>{@value #ENABLED} (default false; env {@code PGEVENTS_DCB_ENABLED}): off = every /dcb path
 *       answers 404;</li>
 *   <li>{@value #ANONYMOUS} (default false; env {@code PGEVENTS_DCB_ANONYMOUS}): true = no
 *       authentication at all, for a local conformance run.</li>
 *   <li>{@value #MAX_CONCURRENT_READS} (default {@value #DEFAULT_MAX_CONCURRENT_READS}): reads
 *       streaming at once; read when the API starts.</li>
 * </ul>
 */
public final class DcbConfig {

    public static final String ENABLED = "pgevents.dcb.enabled";
    public static final String ANONYMOUS = "pgevents.dcb.anonymous";
    public static final String MAX_CONCURRENT_READS = "pgevents.dcb.max-concurrent-reads";
    public static final int DEFAULT_MAX_CONCURRENT_READS = 8;
    /** The role (= group of the user registry) a caller needs when not anonymous. */
    public static final String ROLE = "pgevents-eventstore";

    private DcbConfig() {
    }

    public static boolean enabled() {
        return flag(ENABLED);
    }

    public static boolean anonymous() {
        return flag(ANONYMOUS);
    }

    public static int maxConcurrentReads() {
        int max = config().getOptionalValue(MAX_CONCURRENT_READS, Integer.class).orElse(DEFAULT_MAX_CONCURRENT_READS);
        if (max < 1) {
            throw new IllegalArgumentException(MAX_CONCURRENT_READS + " must be at least 1: " + max);
        }
        return max;
    }

    private static Config config() {
        return ConfigProvider.getConfig(DcbConfig.class.getClassLoader());
    }

    private static boolean flag(String key) {
        return config().getOptionalValue(key, String.class).map(v -> "true".equalsIgnoreCase(v.trim())).orElse(false);
    }
}
