from django.http import HttpResponse


def jurisdiction_list(request):
    return HttpResponse("")


def jurisdiction_detail(request, pk):
    return HttpResponse("")


def policy_record_new(request, pk):
    return HttpResponse("")
