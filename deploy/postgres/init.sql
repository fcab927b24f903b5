-- One database and one role per service: no service reads another's tables.
CREATE ROLE convenor_registry LOGIN PASSWORD 'registry';
CREATE ROLE convenor_gateway LOGIN PASSWORD 'gateway';
CREATE ROLE convenor_analytics LOGIN PASSWORD 'analytics';
CREATE DATABASE registry OWNER convenor_registry;
CREATE DATABASE gateway OWNER convenor_gateway;
CREATE DATABASE analytics OWNER convenor_analytics;
