-- Login attempts per account in the current one-minute window, whatever
-- their outcome (a wrong captcha too), so guesses at one account are slow
-- however many addresses and server instances they come through. Rows of
-- past windows carry no state and are purged as logins arrive.

-- +goose Up
CREATE TABLE login_attempts (
    username_key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts     INTEGER NOT NULL
);
CREATE INDEX login_attempts_window_idx ON login_attempts (window_start);

-- +goose Down
DROP TABLE login_attempts;
