"""NetSuite clients: token-based auth, REST (SuiteQL) and SOAP (SuiteTalk). Read operations only."""
