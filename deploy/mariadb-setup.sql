-- ShopKeeps on MariaDB 10.11 (Debian 12): the database and its least-privilege account.
-- Run once as the server's root, after choosing a long random password for the bot:
--   sed "s/CHANGE-ME-to-a-long-random-password/$PASSWORD/" mariadb-setup.sql | sudo mariadb
-- The bot connects through the server's socket as 'shopkeeps'@'localhost' (see
-- SHOPKEEPS_DATABASE_URL in shopkeeps.env.example). Running it again changes nothing.

CREATE DATABASE IF NOT EXISTS `shopkeeps`
  CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- What the bot and its migrations need on their own database, and nothing on any other:
--   SELECT, INSERT, UPDATE, DELETE    everyday work
--   CREATE, ALTER, INDEX, DROP        `shopkeeps db upgrade` / `db downgrade` (Alembic)
--   REFERENCES                        the foreign keys the migrations declare
--   CREATE TEMPORARY TABLES           /report sums sales per item in a MEMORY temporary table
--   LOCK TABLES                       backups with mysqldump and their restore
-- No FILE, PROCESS, SUPER, GRANT OPTION or access to other databases.
CREATE ROLE IF NOT EXISTS `shopkeeps_app`;
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES,
      CREATE TEMPORARY TABLES, LOCK TABLES
  ON `shopkeeps`.* TO `shopkeeps_app`;

CREATE USER IF NOT EXISTS 'shopkeeps'@'localhost'
  IDENTIFIED BY 'CHANGE-ME-to-a-long-random-password';
GRANT `shopkeeps_app` TO 'shopkeeps'@'localhost';
SET DEFAULT ROLE `shopkeeps_app` FOR 'shopkeeps'@'localhost';
