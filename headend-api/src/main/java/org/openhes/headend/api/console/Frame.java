package org.openhes.headend.api.console;

/**
 * What every console page shares: its title, who is signed in (null on the sign-in page), the
 * section the navigation marks as current, a notice to show once (or null), and where the chart
 * library is served from.
 */
public record Frame(String title, Caller caller, String section, String notice, String chartLibrary) {
    /** Whether {@code s} is the current section (for aria-current). */
    public String current(String s) {
        return s.equals(section) ? "page" : null;
    }
}
