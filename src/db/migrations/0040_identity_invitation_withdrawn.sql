-- AUTH-5: a withdrawn or voided invitation is marked as such. Withdrawal still ends the link by moving its expiry to
-- the moment of withdrawal, but without this mark it was indistinguishable from a link that ran out unused, and the
-- compliance check counted every withdrawal as an outstanding link for ever.
alter table identity_invitation add column withdrawn_at timestamptz;
