"""The collector: probes login over REST and SOAP, then reads every table in bulk into one snapshot."""
