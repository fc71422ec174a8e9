from netsuite_audit.cli import main

main()
