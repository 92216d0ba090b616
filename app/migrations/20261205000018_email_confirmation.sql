-- Confirming one's own address (README "Security"): each confirmation email
-- sent, so that an account (perhaps opened by someone else with this
-- address) cannot use Vox to flood the address's owner with them.
CREATE TABLE email_confirmation_sends (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sent_at  BIGINT NOT NULL
);
CREATE INDEX email_confirmation_sends_by_user ON email_confirmation_sends (user_id, sent_at);
