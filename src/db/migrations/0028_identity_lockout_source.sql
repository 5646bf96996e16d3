-- Sign-in lockout per account and source address (AUTH-4): failures from one address lock that address out of the
-- account, so a third party who knows an e-mail address cannot keep its owner out by failing on purpose. The
-- subject of such a row is the account subject (SHA-256 of the e-mail), '|', and the client address. The 'account'
-- rows remain as the account-wide cap, whose lock is not renewed by further failures.
alter table identity_sign_in_throttle drop constraint identity_sign_in_throttle_scope_check;
alter table identity_sign_in_throttle add constraint identity_sign_in_throttle_scope_check check (scope in ('account', 'account_source', 'ip'));
