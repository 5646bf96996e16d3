-- Which export folder first received a checkpoint's file, so verify can tell a file removed from a folder it read from
-- one sitting in another node's folder it was not given. restored_archive: set on the checkpoint a restore signs right
-- after loading an archive (the archive's id, signed): checkpoints exported before it, beyond its predecessor, belong
-- to the trail the restore replaced.
alter table audit_checkpoint add column exported_to text;
alter table audit_checkpoint add column restored_archive text;
