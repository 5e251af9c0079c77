package org.openhes.headend.api.console;

import java.util.Locale;
import org.openhes.headend.api.http.Role;

/**
 * Who is signed in to the console: the token's name and role, and the session's anti-forgery token
 * that every form carries. What a page shows and allows follows the role.
 */
public record Caller(String name, Role role, String csrf) {
    /** May send commands and reads now (engineers and admins; operators watch). */
    public boolean mayAct() {
        return role == Role.ENGINEER || role == Role.ADMIN;
    }

    /** May see wire traces (field engineers and admins). */
    public boolean seesTraces() {
        return role == Role.ENGINEER || role == Role.ADMIN;
    }

    /** May re-queue dead jobs (operations and admins). */
    public boolean mayRequeue() {
        return role == Role.OPERATOR || role == Role.ADMIN;
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** The role as the command store and the audit trail name callers. */
    public String roleName() {
        return role.name().toLowerCase(Locale.ROOT);
    }

    /** The audit trail's actor: the role, and which token through the console. */
    public String actor() {
        return roleName() + " (console: " + name + ")";
    }
}
