-- Each shop's outbox events must become visible in number order: a stream that has passed a
-- number never looks back. Until now the writer took the shop's advisory lock before
-- inserting and held it across its remaining round trips to the commit, which serialised a
-- busy shop's sales on network latency. Now a row is inserted with a provisional negative
-- number (never read: readers ask for numbers after a non-negative cursor, and the row is
-- invisible until commit anyway), and a deferred trigger running inside COMMIT takes the
-- shop's lock, gives the row its real number and sends the NOTIFY. The lock is held only
-- while the commit itself completes, and the writer needs no extra round trip.
CREATE SEQUENCE outbox_provisional;

ALTER TABLE outbox ALTER COLUMN seq SET DEFAULT -nextval('outbox_provisional');

CREATE FUNCTION outbox_number_at_commit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(NEW.shop_id));
    UPDATE outbox SET seq = nextval('outbox_seq_seq') WHERE seq = NEW.seq;
    PERFORM pg_notify('shrimp_outbox', NEW.shop_id);
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER outbox_number_at_commit
    AFTER INSERT ON outbox
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION outbox_number_at_commit();
