"""HTML views of identity: sign in and passwords (`auth`), one's own profile and tokens (`profile`), and the
administrators' screens (`users`, `teams`, `roles`). Thin: validate a form, call one service, render."""
