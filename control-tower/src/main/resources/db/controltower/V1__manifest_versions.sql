-- Every version of every manifest, tombstones included (change = 'DELETED', no document).
-- source is the document exactly as written (key order included), which is what reads return;
-- document is the same as JSONB, which reorders keys, for queries inside the database.
-- project_id sorts in code point order ("C"), as the file store and Java do.
-- The primary key makes one winner of two writers of the same next version, and is the index
-- behind every read: the newest version of a project is one backward step on it, and current()
-- is one ordered pass over it (DISTINCT ON project_id).
create table manifest_versions (
    project_id text collate "C" not null,
    version    integer          not null check (version > 0),
    change     text             not null check (change in ('CREATED', 'UPDATED', 'DELETED', 'ROLLED_BACK')),
    author     text             not null,
    created_at timestamptz      not null,
    summary    text,
    document   jsonb,
    source     text,
    primary key (project_id, version),
    check ((change = 'DELETED') = (source is null)),
    check ((document is null) = (source is null))
);
