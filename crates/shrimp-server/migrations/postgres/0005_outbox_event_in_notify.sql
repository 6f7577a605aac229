-- The NOTIFY sent when an outbox row is numbered now carries the event itself, so a server
-- instance can hand it to its streams without reading the outbox back: one line
-- `SEQ PREVIOUS KIND SHOP_ID`, a newline, then the payload. PREVIOUS is the number of the
-- shop's event before this one (0 for its first); a stream whose last event is PREVIOUS
-- sends this one on, any other stream reads the outbox from where it is. PREVIOUS is read
-- under the shop's lock, after every earlier event of the shop has committed, so no event of
-- the shop lies between the two numbers. A payload too large for a NOTIFY (8,000 bytes) is
-- left out and the streams read it from the outbox.
CREATE OR REPLACE FUNCTION outbox_number_at_commit() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    previous BIGINT;
    numbered BIGINT;
    header TEXT;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(NEW.shop_id));
    SELECT COALESCE(MAX(seq), 0) INTO previous FROM outbox
        WHERE shop_id = NEW.shop_id AND seq > 0;
    numbered := nextval('outbox_seq_seq');
    UPDATE outbox SET seq = numbered WHERE seq = NEW.seq;
    header := numbered || ' ' || previous || ' ' || NEW.kind || ' ' || NEW.shop_id;
    IF octet_length(header) + octet_length(NEW.payload) < 7900 THEN
        PERFORM pg_notify('shrimp_outbox', header || E'\n' || NEW.payload);
    ELSE
        PERFORM pg_notify('shrimp_outbox', header);
    END IF;
    RETURN NULL;
END
$$;
