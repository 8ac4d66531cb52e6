"""The story of each theme, one module per notebook: the frames each chart draws, its panels,
and the finding sentences with their claims. A notebook loads, calls, shows and publishes:

    fig = reentry.central_asians_in_russia(nb)
    nb.publish(fig)
    fig.data  # the frame behind the chart

`common` holds what several themes share (the `Figure` they return, year and panel helpers).
"""
