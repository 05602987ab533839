from django.http import HttpResponse


def jurisdiction_map(request):
    return HttpResponse("")


def map_data(request):
    return HttpResponse("")
