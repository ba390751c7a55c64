-- Where an org's daily questions come from (每日答题题库设置); orgs without a
-- row use the default: the national and own banks as one pool.
CREATE TABLE bank_mixes (
    org         BIGINT PRIMARY KEY REFERENCES orgs (id),
    mode        TEXT   NOT NULL,
    own_percent BIGINT NOT NULL
);
