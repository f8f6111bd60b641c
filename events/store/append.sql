-- The append of the PostgreSQL recorder (events/store/postgres.py): one call
-- stores a command's events, their links in the hash chain and the command's
-- row in the command log, in the caller's transaction.
--
-- {schema}, {events}, {chain}, {commands} and {channel} are identifiers that
-- psycopg.sql fills in; @lock_timeout@ and @stale_message@ are replaced first.
-- The recorder creates these functions at start-up (CREATE OR REPLACE), after
-- dropping older overloads of the same names.

-- Any number of events, as arrays; returns their positions.
CREATE OR REPLACE FUNCTION {schema}.tawasul_append(
    ids uuid[], versions bigint[], topics text[], states bytea[], moments timestamptz[],
    read_ids uuid[], read_versions bigint[],
    p_command_id text, p_actor text, p_name text, p_fingerprint text, p_result text)
RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$
DECLARE
    previous bytea;
    first_pos bigint;
    pos bigint;
    stale uuid;
BEGIN
    SET LOCAL lock_timeout = '@lock_timeout@s';
    -- As eventsourcing does: appends are serialised, so commit order is position order.
    LOCK TABLE {schema}.{events} IN EXCLUSIVE MODE;
    -- Aggregates the command read without changing them must be unchanged.
    IF cardinality(read_ids) > 0 THEN
        SELECT r.id INTO stale FROM unnest(read_ids, read_versions) AS r(id, version)
            WHERE r.version IS DISTINCT FROM (
                SELECT max(e.originator_version) FROM {schema}.{events} e
                WHERE e.originator_id = r.id)
            LIMIT 1;
        IF stale IS NOT NULL THEN
            RAISE EXCEPTION '@stale_message@ of %', stale
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    NOTIFY {channel};
    SELECT digest INTO previous FROM {schema}.{chain} ORDER BY position DESC LIMIT 1;
    previous := coalesce(previous, decode(repeat('00', 32), 'hex'));
    FOR i IN 1 .. coalesce(cardinality(ids), 0) LOOP
        INSERT INTO {schema}.{events} (originator_id, originator_version, topic, state)
            VALUES (ids[i], versions[i], topics[i], states[i]) RETURNING notification_id INTO pos;
        -- events/chain.py computes the same digest in Python.
        previous := sha256(previous || int8send(pos) || uuid_send(ids[i])
            || int8send(versions[i]) || convert_to(topics[i], 'UTF8') || '\x00'::bytea || states[i]);
        INSERT INTO {schema}.{chain} (position, recorded_at, digest) VALUES (pos, moments[i], previous);
        first_pos := coalesce(first_pos, pos);
        RETURN NEXT pos;
    END LOOP;
    IF p_command_id IS NOT NULL THEN
        INSERT INTO {schema}.{commands}
            (command_id, actor, name, fingerprint, result, first_position, last_position)
        VALUES (p_command_id, p_actor, p_name, p_fingerprint, p_result, first_pos, pos);
    END IF;
    RETURN;
END;
$BODY$;

-- One event, as scalars (most commands): scalar parameters cost the client less
-- to send than one-element arrays; the work is tawasul_append's.
CREATE OR REPLACE FUNCTION {schema}.tawasul_append_one(
    p_id uuid, p_version bigint, p_topic text, p_state bytea, p_moment timestamptz,
    read_ids uuid[], read_versions bigint[],
    p_command_id text, p_actor text, p_name text, p_fingerprint text, p_result text)
RETURNS bigint LANGUAGE plpgsql AS $BODY$
DECLARE
    pos bigint;
BEGIN
    SELECT p INTO pos FROM {schema}.tawasul_append(
        ARRAY[p_id], ARRAY[p_version], ARRAY[p_topic], ARRAY[p_state], ARRAY[p_moment],
        read_ids, read_versions, p_command_id, p_actor, p_name, p_fingerprint, p_result) AS p;
    RETURN pos;
END;
$BODY$;
