"""The collector: probes login over REST and SOAP, then reads every table in bulk into one snapshot
(``collector``, ``sources``, ``probes``), with its progress display and what the reads cost on the
network (``network_use``)."""
