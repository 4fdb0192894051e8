#!/bin/sh
backup_dir=/var/backups
for db in $(cat databases.txt); do
  pg_dump "$db" > $backup_dir/$db.sql
done
echo "finished at `date`"
