-- compose.yaml only: the image's entrypoint made 'shopkeeps'@'%' (MARIADB_USER, with the
-- password from MARIADB_PASSWORD) with every privilege on the database; this runs after
-- mariadb-setup.sql and leaves it only the least-privilege role of the systemd set-up.
REVOKE ALL PRIVILEGES ON `shopkeeps`.* FROM 'shopkeeps'@'%';
GRANT `shopkeeps_app` TO 'shopkeeps'@'%';
SET DEFAULT ROLE `shopkeeps_app` FOR 'shopkeeps'@'%';
-- The socket account of mariadb-setup.sql (placeholder password) is not used in a container.
DROP USER IF EXISTS 'shopkeeps'@'localhost';
