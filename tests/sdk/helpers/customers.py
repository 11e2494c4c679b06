"""Customers: ListSubCustomers (a partner's sub-customers) through the official SDK."""

from huaweicloudsdkbss.v2 import ListSubCustomersRequest, QuerySubCustomerListReq

from conftest import sdk_client, wire_body

from helpers.world import KEYS


def list_sub_customers(server, caller, **filters):
    """The checked wire body of ListSubCustomers called by world entity `caller`."""
    client = sdk_client(server, KEYS[caller])
    request = ListSubCustomersRequest(body=QuerySubCustomerListReq(**filters))
    return wire_body(client.list_sub_customers(request), "ListSubCustomersResponse")


def listed_ids(body):
    """The customer ids of a ListSubCustomers body, in order."""
    return [c["customer_id"] for c in body["customer_infos"]]
